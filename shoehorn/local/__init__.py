"""Local running: ``shoehorn dev`` (a normal web server) and ``shoehorn dev --lambda``
(the real bundle under AWS's Runtime Interface Client, behind an API Gateway front)."""
