"""The lists' filter and order inputs, one module per kind of record.

Each module holds the ``<Type>Filter`` input (and ``<Type>Order`` where the
list can be sorted) with the function that applies it to a queryset; the
Query root (``schema.queries``) only chooses the rows a viewer may see and
pages them. Every list and text of a filter is checked under the store's
input rules (``schema.arguments``) before the query touches the database.
"""
