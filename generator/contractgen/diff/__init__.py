"""`contractgen diff`: classify every contract change against a git revision as breaking on the
wire, breaking for generated code, or safe (REST, AsyncAPI and Avro together)."""
