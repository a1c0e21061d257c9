"""The HTTP side: the generated interface, implemented on top of the use cases."""
