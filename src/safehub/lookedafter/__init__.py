"""Children looked after, care leavers and adoption: SSDA903 episodes inside the child's case."""
