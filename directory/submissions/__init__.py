"""What the public sends: "Add my co-op" and "Suggest a change", and how editors decide on them."""
