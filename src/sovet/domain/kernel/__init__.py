"""The kernel: what every room of the domain builds on.

``messages`` (Command, DomainEvent, EventRef and their declarations),
``registry`` (deciders, evolvers, ``decide`` and ``evolve``), ``state`` (the
folded ``FederationState``), ``replay`` (``fold`` of stored events and
``fold_source`` of a store's rows: a state that keeps no event, issue 13),
``decode`` (payloads straight into events), ``timeline`` (the time index of
SR-28), ``calendar`` (time as data), ``convert`` (typed plain data),
``constitution`` (every parameter), and the decisions of any body in session:
``assembly`` (its records and quorum), ``motions`` and ``votes`` (SR-19).
"""
