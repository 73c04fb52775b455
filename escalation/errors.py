"""Configuration errors for the roster and the policy: one line naming the setting."""


class PolicyError(ValueError):
    pass
