"""The generated Vietnamese evaluation corpus (`donthu corpus`) and the evaluation (`donthu eval`)."""
