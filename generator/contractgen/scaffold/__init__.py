"""Starting a project (`contractgen init`) and adding services to it (`contractgen add-service`)."""
