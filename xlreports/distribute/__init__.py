"""distribute: the last step of the flow — email each office the files that belong to it.

``plan`` decides who gets what (「收件人」 → files of the output folder), ``texts`` renders the
subject and body templates, ``message`` builds the MIME message, ``smtp`` sends it with retries,
``ledger`` records every message so that each goes out once, ``config`` reads the SMTP settings,
``report`` prints (with :mod:`xlreports.progress`), and ``send`` runs it all for ``xlreports send``.
"""
