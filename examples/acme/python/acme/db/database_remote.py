from __future__ import annotations

import datetime
import uuid
from typing import (
    Annotated,
    Any,
    List,
    Literal,
    NotRequired,
    Optional,
    TypeAlias,
    TypedDict,
)

from pydantic import BaseModel, Field, Json

AuthAalLevel: TypeAlias = Literal["aal1", "aal2", "aal3"]

AuthFactorType: TypeAlias = Literal["totp", "webauthn", "phone"]

AuthFactorStatus: TypeAlias = Literal["unverified", "verified"]

AuthCodeChallengeMethod: TypeAlias = Literal["s256", "plain"]

StorageBuckettype: TypeAlias = Literal["STANDARD", "ANALYTICS", "VECTOR"]

NetRequestStatus: TypeAlias = Literal["PENDING", "SUCCESS", "ERROR"]

PublicUserRole: TypeAlias = Literal["member", "admin"]

PublicTeamRole: TypeAlias = Literal["owner", "editor", "viewer"]

class PublicProfiles(BaseModel):
    avatar_url: Optional[str] = Field(alias="avatar_url")
    created_at: datetime.datetime = Field(alias="created_at")
    full_name: Optional[str] = Field(alias="full_name")
    id: uuid.UUID = Field(alias="id")
    role: PublicUserRole = Field(alias="role")
    username: str = Field(alias="username")

class PublicProfilesInsert(TypedDict):
    avatar_url: NotRequired[Annotated[Optional[str], Field(alias="avatar_url")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    full_name: NotRequired[Annotated[Optional[str], Field(alias="full_name")]]
    id: Annotated[uuid.UUID, Field(alias="id")]
    role: NotRequired[Annotated[PublicUserRole, Field(alias="role")]]
    username: Annotated[str, Field(alias="username")]

class PublicProfilesUpdate(TypedDict):
    avatar_url: NotRequired[Annotated[Optional[str], Field(alias="avatar_url")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    full_name: NotRequired[Annotated[Optional[str], Field(alias="full_name")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    role: NotRequired[Annotated[PublicUserRole, Field(alias="role")]]
    username: NotRequired[Annotated[str, Field(alias="username")]]

class PublicTeams(BaseModel):
    created_at: datetime.datetime = Field(alias="created_at")
    id: int = Field(alias="id")
    name: str = Field(alias="name")
    slug: str = Field(alias="slug")

class PublicTeamsInsert(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    name: Annotated[str, Field(alias="name")]
    slug: Annotated[str, Field(alias="slug")]

class PublicTeamsUpdate(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    slug: NotRequired[Annotated[str, Field(alias="slug")]]

class PublicMemberships(BaseModel):
    joined_at: datetime.datetime = Field(alias="joined_at")
    role: PublicTeamRole = Field(alias="role")
    team_id: int = Field(alias="team_id")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicMembershipsInsert(TypedDict):
    joined_at: NotRequired[Annotated[datetime.datetime, Field(alias="joined_at")]]
    role: NotRequired[Annotated[PublicTeamRole, Field(alias="role")]]
    team_id: Annotated[int, Field(alias="team_id")]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]

class PublicMembershipsUpdate(TypedDict):
    joined_at: NotRequired[Annotated[datetime.datetime, Field(alias="joined_at")]]
    role: NotRequired[Annotated[PublicTeamRole, Field(alias="role")]]
    team_id: NotRequired[Annotated[int, Field(alias="team_id")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicPosts(BaseModel):
    author_id: uuid.UUID = Field(alias="author_id")
    body: Optional[str] = Field(alias="body")
    created_at: datetime.datetime = Field(alias="created_at")
    id: int = Field(alias="id")
    published: bool = Field(alias="published")
    tags: List[str] = Field(alias="tags")
    team_id: int = Field(alias="team_id")
    title: str = Field(alias="title")

class PublicPostsInsert(TypedDict):
    author_id: Annotated[uuid.UUID, Field(alias="author_id")]
    body: NotRequired[Annotated[Optional[str], Field(alias="body")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    published: NotRequired[Annotated[bool, Field(alias="published")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    team_id: Annotated[int, Field(alias="team_id")]
    title: Annotated[str, Field(alias="title")]

class PublicPostsUpdate(TypedDict):
    author_id: NotRequired[Annotated[uuid.UUID, Field(alias="author_id")]]
    body: NotRequired[Annotated[Optional[str], Field(alias="body")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    published: NotRequired[Annotated[bool, Field(alias="published")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    team_id: NotRequired[Annotated[int, Field(alias="team_id")]]
    title: NotRequired[Annotated[str, Field(alias="title")]]

class PublicComments(BaseModel):
    author_id: uuid.UUID = Field(alias="author_id")
    body: str = Field(alias="body")
    created_at: datetime.datetime = Field(alias="created_at")
    id: int = Field(alias="id")
    post_id: int = Field(alias="post_id")

class PublicCommentsInsert(TypedDict):
    author_id: Annotated[uuid.UUID, Field(alias="author_id")]
    body: Annotated[str, Field(alias="body")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    post_id: Annotated[int, Field(alias="post_id")]

class PublicCommentsUpdate(TypedDict):
    author_id: NotRequired[Annotated[uuid.UUID, Field(alias="author_id")]]
    body: NotRequired[Annotated[str, Field(alias="body")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[int, Field(alias="id")]]
    post_id: NotRequired[Annotated[int, Field(alias="post_id")]]

class PublicPostFeed(BaseModel):
    author: Optional[str] = Field(alias="author")
    author_id: Optional[uuid.UUID] = Field(alias="author_id")
    created_at: Optional[datetime.datetime] = Field(alias="created_at")
    id: Optional[int] = Field(alias="id")
    title: Optional[str] = Field(alias="title")
