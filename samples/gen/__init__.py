"""Synthetic scanned Vietnamese TTHC case files: the package behind samples/generate.py.
Layers, bottom up: text, marks, words, flow, people, drawings, documents, degrade, writers, plan, defects, batch."""
