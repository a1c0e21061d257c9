"""contractgen: microservices generated from OpenAPI 3 and AsyncAPI 3 contracts."""

__version__ = "0.2.0"
