"""Third round: teacher-logit tables for bigrams (FB), and tables restricted to what unlabelled text
available at training time holds (restricted=True: training folds + twcs; no validation-fold-only entries)."""
import combo
r = combo.run
r(["W", "VD", "FL"], 3, {"VD": 0.03, "FL": 0.03}, restricted=True)
for sc in (0.02, 0.03, 0.05):
    r(["W", "VD", "FL", "FB"], 3, {"VD": 0.03, "FL": 0.03, "FB": sc})
for sc in (0.02, 0.03):
    r(["W", "VD", "FL", "FB"], 3, {"VD": 0.03, "FL": 0.03, "FB": sc}, restricted=True)
r(["W", "VD", "FB"], 3, {"VD": 0.03, "FB": 0.03})
