"""The collection strategy in the simulation (DESIGN §10): paths, message channels, the debtors' hidden type.

behaviour   each debtor's hidden type (payer or not), the score that sees it with a chosen AUC,
and the champion/challenger split, drawn once at placement
messages    SMS, e-mail and letters: sending in the debtor's window, delivery, the response
treatment   the account's walk along its path, moved by the book's events (one state machine
shared by the channels; the dialer calls the accounts in a phone phase)
result      what the strategy did, as plain arrays
"""
