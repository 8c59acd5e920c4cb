"""xlreports: fill China's official budget-performance forms from one structured Excel workbook.

The package follows the flow of a build::

    load → validate → compute → render → write → distribute

``load`` reads the input workbook (pandas, calamine), ``validate`` turns it into the model
(:mod:`xlreports.model`) with every problem located, ``compute`` derives every total and score,
``render`` fills the ``.xlsx`` templates, ``write`` saves them with xlsxwriter, and ``distribute``
sends each office its files.
"""

__version__ = "0.1.0"
