# Remote state: `terraform init -backend-config=environments/dev.backend.hcl`.
resource_group_name  = "rg-microservicesapp-tfstate"
storage_account_name = "microservicesapptfstate"
container_name       = "tfstate"
key                  = "dev.terraform.tfstate"
use_azuread_auth     = true
