#placeholder
