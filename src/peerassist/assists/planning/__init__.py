"""Planning a peer assist: the plan, agenda, people, invitations, logistics and briefing pack."""
