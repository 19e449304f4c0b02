"""Who is signing in: first-time two-factor enrolment links and OpenID Connect sign-in."""
