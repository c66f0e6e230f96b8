"""Files that ship with ASL Desktop: the default model, its report, icons."""
