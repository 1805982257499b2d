"""deinfluence: streaming detection of de-influencing trends on social media."""

__version__ = "0.1.0"
