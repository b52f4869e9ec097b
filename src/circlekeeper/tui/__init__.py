"""The Textual TUI: screens and widgets over the services; database work runs in thread workers."""
