"""Field options shared by the models of several concepts."""

# An amount of money in pounds: up to a trillion, to the penny.
MONEY = {"max_digits": 14, "decimal_places": 2}
