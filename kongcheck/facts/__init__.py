"""What kongcheck knows about Kubernetes, KIC and Kong: data and pure functions, no I/O.

Every fact lives in exactly one place here, with the source it was read from, and every later
stage derives what it needs from these tables:

- ``kube``: names Kubernetes and KIC give to labels, annotations and API groups;
- ``kinds``: one row per Kubernetes kind kongcheck reads (group, versions, scope, class rules,
  what a live fetch keeps, the KIC release that introduced it, the module that parses it);
- ``credentials``: one row per credential type KIC knows;
- ``unique``: one row per field Kong keeps unique, with how its values are gathered and how the
  cluster resolves a clash; each row is a rule;
- ``kong``: Kong's own schema rules (patterns, names, error texts);
- ``versions``: the KIC and Kong releases kongcheck predicts for, and what changed between them;
- ``outcomes``: what the cluster does with a clash, per version.
"""
