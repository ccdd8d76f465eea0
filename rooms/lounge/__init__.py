"""The networking lounge: tables and seats, mixing rounds and their placement, "have a word" side rooms and
mutual connects (docs/lounge.md)."""
