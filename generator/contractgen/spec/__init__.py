"""Loading and validating contracts into small typed objects (parse first, then generate)."""
