"""Exceptions raised by the engine."""


class SingularCovarianceError(ValueError):
    """Raised by ``step()`` after a collapse under the ``stop`` policy.

    The message names the component, the iteration and the remedies.
    """
