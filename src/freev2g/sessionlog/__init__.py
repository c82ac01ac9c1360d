"""The session log (``--log FILE.jsonl``): every HCI frame and every session event of a run, one
JSON object per line, and what reads it (``freev2g report``, ``freev2g plot``).

* :class:`SessionLog` writes the file; :meth:`SessionLog.for_role` gives each application its
  :class:`RoleLog`;
* :class:`LoggedLink` wraps an application's module link and logs each frame it carries;
* :mod:`freev2g.sessionlog.events` is what the applications call (state, samples, session end);
* :func:`read_log` and :func:`freev2g.sessionlog.analysis.figures` read it back.
"""

from freev2g.sessionlog import events
from freev2g.sessionlog.link import LoggedLink
from freev2g.sessionlog.reader import LogError, SessionLogContents, read_log
from freev2g.sessionlog.writer import RoleLog, SessionLog

__all__ = ["LogError", "LoggedLink", "RoleLog", "SessionLog", "SessionLogContents", "events", "read_log"]
