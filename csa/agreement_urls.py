app_name = "csa"

urlpatterns = []
