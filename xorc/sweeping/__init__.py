"""How a sweep runs, under ``xorc.sweep`` (``xorc/sweeps.py``): the recipe's seeds cut into chunks
(``chunks``: what an executor runs, here or on a Dask worker), the chunks run and their results kept
(``run``), written to and resumed from a sweep file (``file``, ``writer_lock``), and the cluster
executor of ``xorc sweep --scheduler`` (``dask_cluster``). Imports point one way: ``sweeps`` and the
command use these modules, which use the layers below them (the recipe, the network, the binding)."""
