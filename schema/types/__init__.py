"""GraphQL object types, one module per group of records.

Each type holds its ORM row as a private field and is built by ``from_model``;
fields that reach another record go through the request's DataLoaders.
"""
