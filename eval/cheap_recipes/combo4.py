"""Fourth round: word table unrestricted (a general word list can cover a tweet's words), bigram table
restricted to bigrams of training-time unlabelled text (a bigram table cannot cover every new bigram)."""
import combo
r = combo.run
r(["W", "VD", "FB"], 3, {"VD": 0.03, "FB": 0.03}, restricted=True)
for sc in (0.02, 0.03):
    r(["W", "VD", "FL", "FB"], 3, {"VD": 0.03, "FL": 0.03, "FB": sc}, restricted_fb=True)
