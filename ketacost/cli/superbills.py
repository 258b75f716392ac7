"""``ketacost superbills``: the superbills in the register (the commands live with ``ketacost superbill``)."""

from ketacost.cli.superbill import register_group as register

__all__ = ["register"]
