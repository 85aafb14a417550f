"""Benchmarks for the live board: fan-out latency, capacity, memory and page cost.

Run them with ``make bench`` (``python -m benchmarks.run``); see ``benchmarks/run.py``.
"""
