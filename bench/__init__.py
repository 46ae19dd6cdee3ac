"""The performance benchmark (`make bench`): measures taken side by side with their anchors."""
