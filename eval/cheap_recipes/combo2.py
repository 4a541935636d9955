"""Second round: the teacher-logit lexicon (FL) with the other blocks, and the matching references."""
import combo
r = combo.run
r(["W", "CH", "VD"], 3, {"VD": 0.03})
for sc in (0.01, 0.02, 0.03, 0.05):
    r(["W", "VD", "FL"], 3, {"VD": 0.03, "FL": sc})
for sc in (0.02, 0.03):
    r(["W", "CH", "VD", "FL"], 3, {"VD": 0.03, "FL": sc})
r(["W", "VD", "FL", "FT"], 3, {"VD": 0.03, "FL": 0.03, "FT": 0.01})
r(["W", "CH", "VD", "FL", "FT"], 3, {"VD": 0.03, "FL": 0.03, "FT": 0.01})
for C in (1, 10):
    r(["W", "VD", "FL"], C, {"VD": 0.03, "FL": 0.03})
