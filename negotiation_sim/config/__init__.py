"""Configuration files in general: the schema DSL (``schema``) shared by every TOML format
of the package (scenarios, session configs, sweep specs) and the one way they are read
(``toml``). Standard library only."""
