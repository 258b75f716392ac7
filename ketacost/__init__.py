"""ketacost: what ketamine therapy for treatment-resistant depression costs out of pocket, and how to pay for it."""

__version__ = "0.1.0"
