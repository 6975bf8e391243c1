"""Performance of a settlement agreement: the payment schedule, payments, reminders before
due dates, missed-payment alerts and the enforcement-application packet."""
