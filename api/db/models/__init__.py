"""All tables; importing this module registers them on `Base.metadata`."""

from api.db.models.audit import AuditEntry
from api.db.models.camera import Camera, CameraHealth, CameraView, Zone
from api.db.models.case_recheck import CaseRecheck
from api.db.models.case_status import CaseStatus
from api.db.models.drone import DroneUpload, Flight, SurveyArea
from api.db.models.drone_findings import DroneFindingRow, DroneFrameReport
from api.db.models.event import Event, Review
from api.db.models.evidence import EvidenceRecordRow
from api.db.models.review_api import LoginSession, WebhookDelivery
from api.db.models.security import LoginThrottle, WriteProbe
from api.db.models.user import ApiKey, User

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Camera",
    "CameraHealth",
    "CameraView",
    "CaseRecheck",
    "CaseStatus",
    "DroneFindingRow",
    "DroneFrameReport",
    "DroneUpload",
    "Event",
    "EvidenceRecordRow",
    "Flight",
    "LoginSession",
    "LoginThrottle",
    "Review",
    "SurveyArea",
    "User",
    "WebhookDelivery",
    "WriteProbe",
    "Zone",
]
