"""A tiny shop, laid out the way a real FastAPI project is.

    shop/
        schemas.py       Pydantic models: what goes in and out over HTTP
        services.py      business rules, plain Python: no FastAPI, no HTTP, testable alone
        dependencies.py  what routes ask FastAPI to inject (the service, the admin check)
        routers/         one APIRouter per feature: HTTP in, service call, HTTP out
            items.py
            admin.py

`lessons/10_routers_and_structure/app.py` assembles the routers into the application.
"""
