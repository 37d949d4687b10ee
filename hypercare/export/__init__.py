"""Weekly steering-pack writers (front end): read models in, files out."""
