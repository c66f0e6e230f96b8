"""Files that ship with ASL Desktop: the models, their reports and notices, the icon, sign notes."""
