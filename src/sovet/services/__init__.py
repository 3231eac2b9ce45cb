"""The service layer: the engine's use cases over the ports (DESIGN §3).

- ``bootstrap`` — the composition root: ``bootstrap(db)`` opens SQLite or
  PostgreSQL (migrations run, key ``<db>.key``) and returns ``Services``
  (unit-of-work factory, signer, signature check, state cache, clock);
  ``in_memory()`` for tests. The only module here that imports adapters.
- ``handlers`` — ``execute(uow, command, cache=)``: fold (cached by head),
  decide, append with expected versions, project, commit; all or nothing.
- ``group_commit`` — a process's live acts (ballots, signatures, API and web
  commands, through ``ballots.transact``) committed in groups: each its own
  chained event, each answered after the commit that holds it.
- ``projector`` / ``replay`` — projection rows (governments, congresses,
  seats) and their rebuild from the log.
- ``scenario`` — TOML scenarios: ``read_scenario``, ``steps_to_run`` (adopts
  the scenario's preset on an empty log), ``apply_steps`` (``StepRefused``
  names step, line and rule).
- ``queries`` — legitimacy at T (SR-28), log pages, ``verify_log``.
- ``checkpoints`` — signed checkpoints of the head and their verification.
- ``transfer`` — export and verified import (JSON lines, ``sovet-log/1``).
- ``whatif`` — commands on a scratch copy of the log, legitimacy before/after.
- ``runs`` — repeatable runs: steps recognised by content hash and skipped
  when applied (``scenario_steps``), dry runs on a copy of the log.
- ``members`` — a CSV membership list registered all or nothing.
- ``reference`` — the command reference read from the declarations
  (``sovet commands``, ``docs/commands.md``).
- ``setup`` / ``demo`` — adopting a constitution; the demo's branches.
"""
