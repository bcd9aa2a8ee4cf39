"""The mentorship workflow: every change of state goes through these modules.

The admin, the public views, the management commands and the tests call them (through the face
`mentorship.services`); none of them changes a proposal's or a mentorship's status by hand. Each
function runs in one transaction and raises `WorkflowError` (with a message fit to show a person) when
the change is not allowed.

Emails go out only once the change is written: after the function's own transaction, never inside it.

- `runs`: a matching run, from draft through review to approval or discard.
- `proposals`: a mentor's proposal, sent, accepted, declined or expired, and the next choice after it.
- `mentorships`: an accepted pair's life: status changes, meetings, feedback.
- `notifications`: the emails those changes send.
- `rules` (hard rules a pair must keep, places left) and `engine` (the models as the matching engine
  sees them) are what the others share; `errors` the exceptions they raise.
"""
