"""Judge: the project profile and the policy turn a line's catalog hits into findings (``rules``), scope
conditions (``conditions``), certification evidence (``certificates``, ``certification``) and adoption figures."""
