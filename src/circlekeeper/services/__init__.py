"""Business rules and transactions; every public function returns read models, never ORM rows."""
