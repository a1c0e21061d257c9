"""`contractgen docs`: a static, offline HTML portal of a project's REST APIs and events."""
