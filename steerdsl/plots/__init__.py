"""Pictures of models: qubit assemblages on the Bloch sphere, p(a|x) and SDP results as bar charts.

:mod:`~steerdsl.plots.bloch` computes what is drawn (plain numbers, no
matplotlib); :mod:`~steerdsl.plots.figures` draws it with matplotlib (an
optional extra: ``pip install 'steerdsl[plot]'``); :mod:`~steerdsl.plots.command`
is ``steer plot``.
"""
