# Makes ``projects`` a package, so a config's
# ``custom_imports = dict(imports=['projects.<plugin>.<module>'])`` resolves
# from the repository root.
