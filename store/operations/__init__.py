"""The write operations: one module per kind of row, each write of many rows one transaction.

A regular package (not a namespace one) so that every tool that walks the
packages sees it: import-linter's contracts and setuptools' package list.
"""
