"""E-mail notices (issue 24): reminders before and after a due date, notices when a report
is sent back, approved, commented on, received again or forwarded, and a weekly summary.

Every message is first written to the outbox (``outbox.enqueue``: once, by a unique key) —
in the transaction of the review action that caused it, or by the daily run
(``run.run_daily``: ``due.due_notices`` → ``enqueue`` → ``deliver.deliver``) — and then
delivered over SMTP (``deliver``), retried on a temporary refusal, never lost. Streamlit-free;
it sits beside ``ia_data.storage`` (the review actions write to the outbox in their own
transaction), so it reads the tables itself and never imports ``reporting`` or ``output``:
the outbox's table for a page is ``ia_data.reporting.outbox``.

- ``notice``: ``Notice``, one message to one recipient, as it will be sent;
- ``compose``: the letter of each kind (subject, text and HTML), the links back to the app;
- ``recipients``: who gets a council's notices, a role's, each user's choices;
- ``choices``: «Mine varsler» and a council's contact address (read and change);
- ``reviewing``: the notices of a review action, enqueued in its transaction;
- ``due``: what is due on a date (reminders, «Frist passert», the weekly summary);
- ``outbox``: writing to the outbox, listing it, «Send på nytt»;
- ``smtp``: the mail server of ``IA_SMTP_URL``;
- ``deliver``: sending what waits, each row once, with a stable ``Message-ID``;
- ``run``: the daily run of ``ia-data varsler send``.
"""
