using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Wharf.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Registry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "registry_blobs",
                columns: table => new
                {
                    digest = table.Column<string>(type: "character varying(135)", maxLength: 135, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_blobs", x => x.digest);
                });

            migrationBuilder.CreateTable(
                name: "registry_repositories",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    project = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_repositories", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "registry_blob_links",
                columns: table => new
                {
                    repository_id = table.Column<long>(type: "bigint", nullable: false),
                    digest = table.Column<string>(type: "character varying(135)", maxLength: 135, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_blob_links", x => new { x.repository_id, x.digest });
                    table.ForeignKey(
                        name: "fk_registry_blob_links_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_manifests",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    repository_id = table.Column<long>(type: "bigint", nullable: false),
                    digest = table.Column<string>(type: "character varying(135)", maxLength: 135, nullable: false),
                    media_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    artifact_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    subject_digest = table.Column<string>(type: "character varying(135)", maxLength: 135, nullable: true),
                    annotations_json = table.Column<string>(type: "text", nullable: true),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_manifests", x => x.id);
                    table.ForeignKey(
                        name: "fk_registry_manifests_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_uploads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    repository_id = table.Column<long>(type: "bigint", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_uploads", x => x.id);
                    table.ForeignKey(
                        name: "fk_registry_uploads_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_manifest_references",
                columns: table => new
                {
                    manifest_id = table.Column<long>(type: "bigint", nullable: false),
                    digest = table.Column<string>(type: "character varying(135)", maxLength: 135, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_manifest_references", x => new { x.manifest_id, x.kind, x.digest });
                    table.ForeignKey(
                        name: "fk_registry_manifest_references_registry_manifests_manifest_id",
                        column: x => x.manifest_id,
                        principalTable: "registry_manifests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registry_tags",
                columns: table => new
                {
                    repository_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    manifest_id = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_tags", x => new { x.repository_id, x.name });
                    table.ForeignKey(
                        name: "fk_registry_tags_registry_manifests_manifest_id",
                        column: x => x.manifest_id,
                        principalTable: "registry_manifests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_registry_tags_registry_repositories_repository_id",
                        column: x => x.repository_id,
                        principalTable: "registry_repositories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_registry_blob_links_digest",
                table: "registry_blob_links",
                column: "digest");

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifest_references_digest",
                table: "registry_manifest_references",
                column: "digest");

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifests_repository_id_digest",
                table: "registry_manifests",
                columns: new[] { "repository_id", "digest" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_registry_manifests_repository_id_subject_digest",
                table: "registry_manifests",
                columns: new[] { "repository_id", "subject_digest" });

            migrationBuilder.CreateIndex(
                name: "ix_registry_repositories_name",
                table: "registry_repositories",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_registry_repositories_project",
                table: "registry_repositories",
                column: "project");

            migrationBuilder.CreateIndex(
                name: "ix_registry_tags_manifest_id",
                table: "registry_tags",
                column: "manifest_id");

            migrationBuilder.CreateIndex(
                name: "ix_registry_uploads_repository_id",
                table: "registry_uploads",
                column: "repository_id");

            migrationBuilder.CreateIndex(
                name: "ix_registry_uploads_updated_at",
                table: "registry_uploads",
                column: "updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_blob_links");

            migrationBuilder.DropTable(
                name: "registry_blobs");

            migrationBuilder.DropTable(
                name: "registry_manifest_references");

            migrationBuilder.DropTable(
                name: "registry_tags");

            migrationBuilder.DropTable(
                name: "registry_uploads");

            migrationBuilder.DropTable(
                name: "registry_manifests");

            migrationBuilder.DropTable(
                name: "registry_repositories");
        }
    }
}
