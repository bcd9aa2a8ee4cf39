"""What the workflow raises when a change is refused."""


class WorkflowError(Exception):
    """A change that the rules do not allow, with a message fit to show a person."""


class CapacityError(WorkflowError):
    """The mentor has no free place left in this cohort."""
